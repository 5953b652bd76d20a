package io.gatehouse.analytics.rollup;

/**
 * What a rollup row measures.
 *
 * @param kind 'v' a virtual service, 'm' a pool member ("pool/endpoint"), 'e' an engine
 * @param name the virtual service, member or engine
 */
public record Subject(char kind, String name) {
  public static Subject virtualService(String name) {
    return new Subject('v', name);
  }

  public static Subject poolMember(String pool, String endpointId) {
    return new Subject('m', pool + "/" + endpointId);
  }

  public static Subject engine(String seId) {
    return new Subject('e', seId);
  }
}
