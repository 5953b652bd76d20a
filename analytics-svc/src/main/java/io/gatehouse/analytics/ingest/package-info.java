/** The engines' Report streams: batches stored durably and idempotently, credit flow control. */
package io.gatehouse.analytics.ingest;
