/** The Marathon driver: the engines of a group as one Marathon app, one instance per agent. */
package io.gatehouse.semanager.driver.marathon;
