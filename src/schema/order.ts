import { builder } from './builder.js';

/** The direction of every `orderBy` in the API. */
export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Which way to sort.',
  values: {
    ASC: { value: 'ASC', description: 'Smallest, earliest or first in the alphabet first.' },
    DESC: { value: 'DESC', description: 'Largest, latest or last in the alphabet first.' },
  } as const,
});
