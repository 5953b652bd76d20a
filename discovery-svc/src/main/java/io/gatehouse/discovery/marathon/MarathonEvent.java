package io.gatehouse.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;

/** One event of Marathon's event stream: its type and its JSON. */
public record MarathonEvent(String type, JsonNode data) {}
