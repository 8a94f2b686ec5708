import { builder } from '../schema/builder.js';

/** A Behflow account as other users' objects refer to it (e.g. a task's owner). */
export const UserRef = builder.prismaNode('User', {
  description: 'A Behflow account.',
  id: { field: 'id' },
  // By ID (node, nodes) a viewer can load only their own account: any other is null, like a missing one.
  nullable: true,
  findUnique: (id, context) => ({ id: context.viewer?.id === id ? id : '00000000-0000-0000-0000-000000000000' }),
  authScopes: { authenticated: true },
  fields: (t) => ({
    username: t.exposeString('username', { description: 'The unique name the user signs in with.' }),
    name: t.exposeString('name', { description: 'First name.' }),
    lastname: t.exposeString('lastname', { description: 'Last name.' }),
    timeZone: t.string({
      description: 'The IANA time zone in which this user sees dates and "today" (the service time zone unless the user chose one).',
      select: { timeZone: true },
      resolve: (user, _args, context) => user.timeZone ?? context.config.timeZone,
    }),
  }),
});
