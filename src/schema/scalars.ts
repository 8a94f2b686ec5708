import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { builder } from './builder.js';

builder.addScalarType('DateTime', DateTimeResolver, {
  description: 'A point in time, as an ISO 8601 string with an offset (`2025-12-18T04:00:00.000Z`). Responses are in UTC.',
});
builder.addScalarType('JSON', JSONResolver, {
  description: 'Any JSON value. Where an input takes JSON, its shape is validated and the error names what is wrong.',
});
