package io.gatehouse.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The static configuration file ({@code --config engine.yaml}): virtual services and pools written
 * by hand, for an engine without a control plane.
 *
 * <pre>{@code
 * virtual_services:
 *   - name: web
 *     listeners: [{address: 0.0.0.0, port: 10080, protocol: HTTP}]
 *     pool: web
 *     rate_limits: {requests_per_second: 1000, burst: 100, client_requests_per_second: 20,
 *                   connections_per_second: 0, client_connections_per_second: 0,
 *                   max_concurrent_connections: 0}   # 0: no limit; over a rate: 429 or a reset
 *     redirect_to_https: false         # true: 301 to https for requests without TLS
 *   - name: blog                       # a child: requests to web's listeners for these hosts
 *     virtual_host: {parent: web, domain_names: [blog.example.com, "*.blog.example.com"],
 *                    path_prefix: /}   # "" or unset: every path; the longest match wins
 *     pool: blog
 * pools:
 *   - name: web
 *     algorithm: LEAST_CONNECTIONS     # ROUND_ROBIN (the default), FASTEST_RESPONSE, CONSISTENT_HASH
 *     hash_header: X-User              # CONSISTENT_HASH: hash this header (default: client address)
 *     connect_timeout: 2s              # the default
 *     health_monitors:                 # all must pass; see HealthMonitorFile for every field
 *       - {type: HTTP, path: /health, interval: 5s, timeout: 2s, rise: 2, fall: 3}
 *     eject_after: 3                   # connection failures in a row (0: never); the default
 *     eject_after_5xx: 0               # 5xx responses in a row (0: never); the default
 *     ab_pool: {pool: web-v2, percent: 10, sticky: false}   # a canary: 10% to pool web-v2
 *     member_protocol: HTTP1           # or H2C (HTTP/2 in clear: gRPC members), or H2 (over TLS)
 *     member_tls: {ca_file: members-ca.crt, server_name: web.internal, client_certificate: shop}
 *                                      # TLS to members; server_name unset: each endpoint's
 *                                      # hostname, else its address; client_certificate: optional
 *     eject_for: 10s                   # the default
 *     draining_timeout: 30s            # a removed member's in-flight requests; the default
 *     endpoints:
 *       - {address: 10.0.0.5, port: 31001}
 *       - {address: 10.0.0.6, port: 31002, weight: 2, hostname: web-2.internal}
 * certificates:                        # named by a virtual service's certificates (SNI)
 *   - {name: shop, certificate_file: shop.crt, key_file: shop.key}   # relative to this file
 * security_policies:                   # named by a virtual service's security_policy
 *   - name: internal-only
 *     default_action: DENY             # ALLOW (the default) or DENY
 *     rules: [{index: 1, name: office, action: ALLOW, client_cidrs: [10.0.0.0/8]}]
 * }</pre>
 */
public final class StaticConfigFile {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private record File(
      List<VirtualService> virtualServices,
      List<PoolFile.Pool> pools,
      List<SecurityPolicy> securityPolicies,
      List<Certificate> certificates) {}

  private record VirtualService(
      String name,
      List<Listener> listeners,
      String pool,
      String securityPolicy,
      String certificate,
      List<String> certificates,
      Boolean fullClientLogs,
      String fullClientLogsUntil,
      String significantLatency,
      VirtualHost virtualHost,
      RateLimits rateLimits,
      Boolean redirectToHttps) {}

  private record RateLimits(
      Integer connectionsPerSecond,
      Integer requestsPerSecond,
      Integer maxConcurrentConnections,
      Integer burst,
      Integer clientConnectionsPerSecond,
      Integer clientRequestsPerSecond) {}

  private record VirtualHost(String parent, List<String> domainNames, String pathPrefix) {}

  private record Certificate(
      String name,
      String certificateFile,
      String keyFile,
      String certificatePem,
      String privateKeyPem) {}

  private record SecurityPolicy(
      String name, List<Rule> rules, SecurityPolicyConfig.Action defaultAction) {}

  private record Rule(
      Integer index, String name, SecurityPolicyConfig.Action action, List<String> clientCidrs) {}

  private record Listener(String address, Integer port, Protocol protocol, Boolean tls) {}

  private StaticConfigFile() {}

  /**
   * Reads and validates a file.
   *
   * @throws InvalidConfigException naming what is wrong and where
   * @throws IOException when the file cannot be read
   */
  public static EngineConfig load(Path path) throws IOException {
    Path base = path.toAbsolutePath().getParent();
    return parse(Files.readString(path), base);
  }

  /**
   * Parses and validates a configuration text; certificate files are read from the current folder.
   */
  public static EngineConfig parse(String yaml) {
    return parse(yaml, Path.of(""));
  }

  /**
   * Parses and validates a configuration text whose certificate files are relative to {@code base}.
   */
  public static EngineConfig parse(String yaml, Path base) {
    File file;
    try {
      file = YAML.readValue(yaml, File.class);
    } catch (MismatchedInputException e) {
      String field = e.getPathReference().replaceAll("io\\.gatehouse\\.[\\w.$]+", "");
      // a document of the wrong shape as a whole (a list, a number) has no path inside it
      throw invalid(field.isBlank() ? "(file)" : field, e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw invalid("(file)", e.getOriginalMessage());
    }
    if (file == null) {
      return EngineConfig.empty();
    }
    List<VirtualServiceConfig> services =
        list(file.virtualServices()).stream()
            .map(
                vs ->
                    new VirtualServiceConfig(
                        required(vs.name(), "virtual_services[].name"),
                        list(vs.listeners()).stream()
                            .map(
                                l ->
                                    new ListenerConfig(
                                        l.address() == null ? "0.0.0.0" : l.address(),
                                        required(
                                            l.port(),
                                            "virtual_services." + vs.name() + ".listeners[].port"),
                                        l.protocol() == null ? Protocol.HTTP : l.protocol(),
                                        Boolean.TRUE.equals(l.tls())))
                            .toList(),
                        vs.pool() == null ? vs.name() : vs.pool(),
                        vs.securityPolicy(),
                        certificates(vs),
                        clientLogs(vs),
                        virtualHost(vs),
                        rateLimits(vs),
                        Boolean.TRUE.equals(vs.redirectToHttps())))
            .toList();
    List<PoolConfig> pools = list(file.pools()).stream().map(p -> PoolFile.read(p, base)).toList();
    List<SecurityPolicyConfig> policies =
        list(file.securityPolicies()).stream()
            .map(
                p ->
                    new SecurityPolicyConfig(
                        required(p.name(), "security_policies[].name"),
                        list(p.rules()).stream()
                            .map(
                                r ->
                                    new SecurityPolicyConfig.Rule(
                                        required(
                                            r.index(),
                                            "security_policies." + p.name() + ".rules[].index"),
                                        r.name() == null ? "rule-" + r.index() : r.name(),
                                        required(
                                            r.action(),
                                            "security_policies." + p.name() + ".rules[].action"),
                                        list(r.clientCidrs())))
                            .toList(),
                        p.defaultAction() == null
                            ? SecurityPolicyConfig.Action.ALLOW
                            : p.defaultAction()))
            .toList();
    List<CertificateConfig> certificates =
        list(file.certificates()).stream().map(c -> certificate(c, base)).toList();
    return EngineConfig.of(services, pools, policies).withCertificates(certificates).validate();
  }

  /**
   * The file form of {@code config}, as a JSON tree in the same shape {@link #parse} reads (JSON is
   * YAML): what an engine runs can be saved and started again with {@code --config}.
   */
  public static ObjectNode render(EngineConfig config) {
    return render(config, false);
  }

  /**
   * As {@link #render(EngineConfig)}; with {@code withKeys} the private keys are written too (for
   * the engine's own state file only), otherwise they read {@code <redacted>}.
   */
  public static ObjectNode render(EngineConfig config, boolean withKeys) {
    return StaticConfigWriter.write(config, withKeys);
  }

  private static CertificateConfig certificate(Certificate c, Path base) {
    String name = required(c.name(), "certificates[].name");
    String field = "certificates." + name;
    return new CertificateConfig(
        name,
        pem(c.certificatePem(), c.certificateFile(), base, field + ".certificate_file"),
        pem(c.privateKeyPem(), c.keyFile(), base, field + ".key_file"));
  }

  /** PEM given inline, or read from a file relative to {@code base}. */
  static String pem(String inline, String file, Path base, String field) {
    if (inline != null) {
      return inline;
    }
    if (file == null) {
      throw invalid(field, "is required (or the PEM itself inline)");
    }
    try {
      return Files.readString(base.resolve(file));
    } catch (IOException e) {
      throw invalid(field, "cannot read " + base.resolve(file) + ": " + e.getMessage());
    }
  }

  /** {@code certificates}, or the single {@code certificate} files written before SNI. */
  private static List<String> certificates(VirtualService vs) {
    if (vs.certificate() != null && vs.certificates() != null) {
      throw invalid(
          "virtual_services." + vs.name() + ".certificate", "use certificates (a list) only");
    }
    return vs.certificate() != null ? List.of(vs.certificate()) : list(vs.certificates());
  }

  private static RateLimitConfig rateLimits(VirtualService vs) {
    RateLimits r = vs.rateLimits();
    if (r == null) {
      return RateLimitConfig.NONE;
    }
    return new RateLimitConfig(
        zeroIfNull(r.connectionsPerSecond()),
        zeroIfNull(r.requestsPerSecond()),
        zeroIfNull(r.maxConcurrentConnections()),
        zeroIfNull(r.burst()),
        zeroIfNull(r.clientConnectionsPerSecond()),
        zeroIfNull(r.clientRequestsPerSecond()));
  }

  private static int zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }

  private static VirtualHostConfig virtualHost(VirtualService vs) {
    VirtualHost host = vs.virtualHost();
    if (host == null) {
      return null;
    }
    String at = "virtual_services." + vs.name() + ".virtual_host";
    return new VirtualHostConfig(
        required(host.parent(), at + ".parent"),
        list(host.domainNames()),
        host.pathPrefix() == null ? "" : host.pathPrefix());
  }

  private static ClientLogPolicy clientLogs(VirtualService vs) {
    String field = "virtual_services." + vs.name();
    Instant until = null;
    if (vs.fullClientLogsUntil() != null) {
      try {
        until = Instant.parse(vs.fullClientLogsUntil());
      } catch (java.time.format.DateTimeParseException e) {
        throw new InvalidConfigException(
            List.of(
                new InvalidConfigException.Violation(
                    field + ".full_client_logs_until",
                    "\""
                        + vs.fullClientLogsUntil()
                        + "\" is not an instant (2026-12-04T10:00:00Z)")));
      }
    }
    return new ClientLogPolicy(
        Boolean.TRUE.equals(vs.fullClientLogs()),
        until,
        vs.significantLatency() == null
            ? null
            : duration(vs.significantLatency(), field + ".significant_latency"));
  }

  /** "250ms", "2s", "1m", "1h"; an invalid one is refused naming {@code field}. */
  public static Duration duration(String text, String field) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw invalid(field, "\"" + text + "\" is not a duration like 250ms, 2s, 1m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }

  static <T> T required(T value, String field) {
    if (value == null) {
      throw invalid(field, "is required");
    }
    return value;
  }

  private static InvalidConfigException invalid(String field, String description) {
    return new InvalidConfigException(
        List.of(new InvalidConfigException.Violation(field, description)));
  }
}
