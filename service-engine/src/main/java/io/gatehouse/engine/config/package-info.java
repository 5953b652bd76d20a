/** What an engine runs: virtual services, pools and their members, validated as a whole. */
package io.gatehouse.engine.config;
