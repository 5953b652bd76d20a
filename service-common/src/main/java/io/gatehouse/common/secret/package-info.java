/** Private keys at rest: AES-256-GCM and where its key comes from. */
package io.gatehouse.common.secret;
