package io.gatehouse.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.gatehouse.api.policy.v1.PolicyObject;
import org.junit.jupiter.api.Test;

class PolicyObjectsTest {
  @Test
  void everyKindHasItsPlaceInTheWriteOrder() {
    assertThat(PolicyObjects.WRITE_ORDER)
        .containsExactlyInAnyOrderElementsOf(
            PolicyObject.getDescriptor().getFields().stream()
                .map(FieldDescriptor::getName)
                .toList());
  }
}
