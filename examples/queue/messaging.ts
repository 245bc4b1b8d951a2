/** The messaging semantic-convention attributes both sides put on their spans. */
import type { Attributes } from '@opentelemetry/api';

export const QUEUE = 'orders';

export function messagingAttributes(operation: 'send' | 'receive' | 'process', extra: Attributes = {}): Attributes {
  return {
    'messaging.system': 'minibroker',
    'messaging.destination.name': QUEUE,
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
    ...extra,
  };
}
