/** The management HTTP port's shared endpoints. */
package io.gatehouse.common.management;
