/** Marathon's apps and Mesos's nodes as discovery-svc follows them, and scaling an app. */
package io.gatehouse.console.apps;
