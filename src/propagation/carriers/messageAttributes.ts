import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { attributeValue } from './attributeValue.js';

/** Message attributes / headers as a plain object (SQS, SNS, Kafka, RabbitMQ, ...). */
export type AttributeRecord = Record<string, unknown>;

const getter: TextMapGetter<AttributeRecord> = {
  get(carrier, key) {
    if (Object.hasOwn(carrier, key)) return attributeValue(carrier[key]);
    // Message headers are not case-insensitive like HTTP's, and some producers (older Spring
    // Sleuth, hand-written code) send `X-B3-TraceId` or `Traceparent`: fall back to a scan.
    const lower = key.toLowerCase();
    for (const name of Object.keys(carrier)) {
      if (name.toLowerCase() === lower) return attributeValue(carrier[name]);
    }
    return undefined;
  },
  keys: (carrier) => Object.keys(carrier),
};

/** Reads every shape attributeValue knows; writes plain strings (Kafka headers, most clients). */
export const messageAttributes: TextMapGetter<AttributeRecord> & TextMapSetter<AttributeRecord> = {
  ...getter,
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/** Like messageAttributes, but writes SQS MessageAttributeValues `{ DataType, StringValue }`. */
export const sqsMessageAttributes: TextMapGetter<AttributeRecord> & TextMapSetter<AttributeRecord> = {
  ...getter,
  set(carrier, key, value) {
    carrier[key] = { DataType: 'String', StringValue: value };
  },
};
