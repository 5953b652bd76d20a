package io.gatehouse.engine.tls;

import io.gatehouse.engine.config.CertificateConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.InvalidConfigException;
import io.gatehouse.engine.config.MemberProtocol;
import io.gatehouse.engine.config.MemberTlsConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;

/**
 * TLS to a pool's members as the engine speaks it: each connection verifies its member's
 * certificate against the pool's CAs and the name the member should bear, sent by SNI: the pool's
 * server name, else the member's own host name, else its address (no SNI then; the certificate must
 * name the address). ALPN offers the pool's protocol alone, and a member that agrees to no protocol
 * is not used for HTTP/2.
 *
 * <p>One instance serves a pool for as long as its TLS settings stay the same, so connections kept
 * to a member are told apart by it.
 */
public final class MemberTls {
  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private final MemberTlsConfig config;
  private final CertificateConfig client;
  private final SslContext http1;
  private final SslContext http2;
  private final String alpn;

  private MemberTls(MemberTlsConfig config, CertificateConfig client, String alpn) {
    this.config = config;
    this.client = client;
    this.alpn = alpn;
    this.http1 = TlsContexts.memberContext(config, client, ApplicationProtocolNames.HTTP_1_1);
    this.http2 = TlsContexts.memberContext(config, client, ApplicationProtocolNames.HTTP_2);
  }

  /**
   * TLS for a pool speaking {@code protocol}, presenting {@code client} when not null.
   *
   * @throws IllegalArgumentException saying why the CAs or the client certificate cannot be used
   */
  public static MemberTls of(
      MemberTlsConfig config, CertificateConfig client, MemberProtocol protocol) {
    return new MemberTls(config, client, alpnFor(protocol));
  }

  /**
   * The member TLS of every pool of {@code config} that has it: {@code running}'s own (by pool
   * name; null for none) where it is the same, new otherwise.
   *
   * @throws InvalidConfigException naming each pool whose CAs or client certificate cannot be used
   */
  public static Map<String, MemberTls> forPools(
      EngineConfig config, Function<String, MemberTls> running) {
    Map<String, MemberTls> built = new HashMap<>();
    List<InvalidConfigException.Violation> violations = new ArrayList<>();
    for (PoolConfig pool : config.pools().values()) {
      if (pool.memberTls() == null) {
        continue;
      }
      CertificateConfig client =
          pool.memberTls().clientCertificate() == null
              ? null
              : config.certificates().get(pool.memberTls().clientCertificate());
      MemberTls kept = running.apply(pool.name());
      try {
        built.put(
            pool.name(),
            kept != null && kept.sameAs(pool.memberTls(), client, pool.memberProtocol())
                ? kept
                : of(pool.memberTls(), client, pool.memberProtocol()));
      } catch (IllegalArgumentException e) {
        violations.add(
            new InvalidConfigException.Violation(
                "pools." + pool.name() + ".member_tls", e.getMessage()));
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidConfigException(violations);
    }
    return built;
  }

  /** Whether this is the TLS {@code config}, {@code client} and {@code protocol} ask for. */
  public boolean sameAs(MemberTlsConfig config, CertificateConfig client, MemberProtocol protocol) {
    return this.config.equals(config)
        && java.util.Objects.equals(this.client, client)
        && alpn.equals(alpnFor(protocol));
  }

  /** What ALPN offers for {@code protocol}: HTTP/2 for H2, HTTP/1.1 otherwise. */
  private static String alpnFor(MemberProtocol protocol) {
    return protocol == MemberProtocol.H2
        ? ApplicationProtocolNames.HTTP_2
        : ApplicationProtocolNames.HTTP_1_1;
  }

  /**
   * A handler for a new connection to {@code member} (whose host name is {@code hostname}, null
   * when unknown) in the pool's protocol, giving up on a handshake longer than {@code timeout}.
   */
  public SslHandler handler(
      ByteBufAllocator alloc, InetSocketAddress member, String hostname, Duration timeout) {
    return handler(alloc, member, hostname, timeout, alpn.equals(ApplicationProtocolNames.HTTP_2));
  }

  /**
   * As {@link #handler(ByteBufAllocator, InetSocketAddress, String, Duration)}, offering HTTP/2 by
   * ALPN when {@code h2}, else HTTP/1.1, whatever the pool's protocol (what a health probe needs).
   */
  public SslHandler handler(
      ByteBufAllocator alloc,
      InetSocketAddress member,
      String hostname,
      Duration timeout,
      boolean h2) {
    SslHandler handler =
        (h2 ? http2 : http1).newHandler(alloc, peerName(member, hostname), member.getPort());
    handler.setHandshakeTimeoutMillis(Math.max(1, timeout.toMillis()));
    return handler;
  }

  /** The name {@code member} must bear: the pool's, its own host name, or its address. */
  String peerName(InetSocketAddress member, String hostname) {
    if (config.serverName() != null) {
      return config.serverName();
    }
    if (hostname != null) {
      String lower = hostname.toLowerCase(Locale.ROOT);
      if (DNS_NAME.matcher(lower).matches()
          && !lower.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
        return lower; // a hostname from Marathon is checked, not trusted: else the address
      }
    }
    return member.getAddress().getHostAddress();
  }

  /**
   * Checks, once {@code handler}'s handshake is done, that the member agreed to the protocol: for
   * HTTP/2, a member that chose nothing or HTTP/1.1 cannot be spoken to.
   *
   * @return null when it did, else why not
   */
  public SSLHandshakeException disagreement(SslHandler handler) {
    String agreed = handler.applicationProtocol();
    if (alpn.equals(ApplicationProtocolNames.HTTP_2) && !alpn.equals(agreed)) {
      return new SSLHandshakeException(
          "the member did not agree to HTTP/2 by ALPN (it chose " + agreed + ")");
    }
    return null;
  }
}
