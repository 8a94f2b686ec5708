import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './root.js';
import '../system/schema.js';
import '../auth/schema.js';
import '../tasks/schema/index.js';
import '../processes/schema/index.js';
import '../chat/schema/index.js';

/** The executable schema, types sorted so its printed form is stable. */
export const schema = lexicographicSortSchema(builder.toSchema());
