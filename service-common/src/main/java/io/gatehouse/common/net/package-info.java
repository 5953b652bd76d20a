/** Names and addresses that come from the cluster, checked before anything uses them. */
package io.gatehouse.common.net;
