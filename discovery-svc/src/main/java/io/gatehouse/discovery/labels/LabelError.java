package io.gatehouse.discovery.labels;

/**
 * A problem with one app's proxy labels. The app's policy objects are left as they were.
 *
 * @param label the label at fault, e.g. "avi_proxy"
 * @param field path inside the label's JSON, e.g. "virtualservice.services[0].port"; empty for the
 *     whole label
 * @param code a stable code: INVALID_JSON, UNKNOWN_FIELD, INVALID_VALUE, VIP_REQUIRED,
 *     SERVICE_PORT_OUTSIDE_RANGE
 * @param message what is wrong and what to change
 */
public record LabelError(String label, String field, String code, String message) {}
