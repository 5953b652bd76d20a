/** Compiles policy and Marathon apps into the resources each engine runs. */
package io.gatehouse.semanager.compile;
