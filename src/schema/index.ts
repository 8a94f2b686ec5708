import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import { guardPageSizes } from './page-size.js';
import './scalars.js';
import './root.js';
import '../system/schema.js';
import '../auth/schema.js';
import '../tasks/schema.js';
import '../processes/schema.js';
import '../chat/schema.js';

/** The executable schema, types sorted so its printed form is stable; page sizes checked up front. */
export const schema = guardPageSizes(lexicographicSortSchema(builder.toSchema()));
