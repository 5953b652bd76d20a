/** Followers of the inputs: policy-svc's Watch (and, next, discovery-svc's WatchApps). */
package io.gatehouse.semanager.follow;
