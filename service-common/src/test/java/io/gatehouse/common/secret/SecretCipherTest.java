package io.gatehouse.common.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
  private final SecretCipher cipher = new SecretCipher(new SecretKeySpec(new byte[32], "AES"));

  @Test
  void roundTripsAndUsesAFreshNonceEachTime() {
    byte[] first = cipher.encrypt("-----BEGIN PRIVATE KEY-----", "5/web");
    byte[] second = cipher.encrypt("-----BEGIN PRIVATE KEY-----", "5/web");

    assertThat(cipher.decrypt(first, "5/web")).isEqualTo("-----BEGIN PRIVATE KEY-----");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void aCiphertextMovedToAnotherObjectOrTamperedWithDoesNotDecrypt() {
    byte[] sealed = cipher.encrypt("secret", "5/web");

    assertThatThrownBy(() -> cipher.decrypt(sealed, "5/api"))
        .isInstanceOf(IllegalStateException.class);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> cipher.decrypt(sealed, "5/web"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesKeysOfTheWrongSize() {
    assertThatThrownBy(() -> new SecretCipher(new SecretKeySpec(new byte[16], "AES")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
