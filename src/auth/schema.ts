import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../schema/builder.js';
import type { Context } from '../schema/context.js';
import { UnauthenticatedError } from '../errors.js';
import { columnsOf, selectionOf } from '../schema/selection.js';
import type { Account, AccountColumn } from './accounts.js';
import { uuidOrNoMatch } from '../schema/global-ids.js';
import type { SignedIn } from './service.js';

export const UserRoleEnum = builder.enumType('UserRole', {
  description: 'What an account may do beyond managing its own data.',
  values: {
    USER: { value: 'user', description: 'A regular user: sees and changes only their own data.' },
    ADMIN: { value: 'admin', description: 'An administrator: may also manage server-wide things such as automated processes.' },
  } as const,
});

export const CalendarEnum = builder.enumType('Calendar', {
  description: 'A calendar dates are read and typed in.',
  values: {
    GREGORIAN: { value: 'gregorian', description: 'The Gregorian calendar (the default).' },
    JALALI: { value: 'jalali', description: 'The Jalali (Persian, Solar Hijri) calendar.' },
  } as const,
});

/** The columns each field of User reads (a test checks that every field is listed). */
export const USER_FIELD_COLUMNS = {
  id: [],
  username: ['username'],
  name: ['name'],
  lastname: ['lastname'],
  timeZone: ['timeZone'],
  usesServiceTimeZone: ['timeZone'],
  role: ['role'],
  calendar: ['calendar'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
} as const satisfies Record<string, readonly AccountColumn[]>;

const userColumns = columnsOf<AccountColumn>(USER_FIELD_COLUMNS, ['id']);
const userSelection = selectionOf('User', [[]]);

/** The accounts behind `ids` with the columns `info`'s selection needs, batched per request. */
export function loadAccount(context: Context, info: GraphQLResolveInfo, id: string): Promise<Account | null> {
  const viewer = context.viewer;
  if (!viewer) return Promise.resolve(null);
  const columns = userColumns(userSelection(info));
  // The viewer's own id and username (which never changes) came with the session: nothing to read.
  if (id === viewer.id && columns.every((column) => column === 'id' || column === 'username')) {
    return Promise.resolve({ id, username: viewer.username } as Account);
  }
  const loader = context.loaders.rows(`User:${columns.join(',')}`, (ids) => context.auth.accounts(viewer, ids, columns));
  return loader.load(id) as Promise<Account | null>;
}

/**
 * A Behflow account. Visible only to its owner: `node(id:)` for anyone else's account is null,
 * exactly as for an id that does not exist. The password hash is never read for it.
 */
export const UserNode = builder.node(builder.objectRef<Account>('User'), {
  description: 'A Behflow account. Each user sees only their own account.',
  id: { resolve: (user) => user.id },
  loadWithoutCache: (id, context, info) => loadAccount(context, info, uuidOrNoMatch(id)),
  fields: (t) => ({
    username: t.exposeString('username', { description: 'The name the user signs in with (unique).' }),
    name: t.exposeString('name', { description: 'First name.' }),
    lastname: t.exposeString('lastname', { description: 'Last name.' }),
    timeZone: t.string({
      description:
        'The user\'s IANA time zone, used for their "today" and their calendar renderings; the service time zone unless they chose one.',
      resolve: (user, _args, context) => user.timeZone ?? context.config.timeZone,
    }),
    usesServiceTimeZone: t.boolean({
      description: 'Whether `timeZone` is the service time zone because the user has not chosen one.',
      resolve: (user) => user.timeZone === null,
    }),
    role: t.field({ type: UserRoleEnum, description: 'What the account may do.', resolve: (user) => user.role }),
    calendar: t.field({
      type: CalendarEnum,
      description:
        'The calendar the user chose to read and type dates in; GREGORIAN unless they chose JALALI. Every date also has a Jalali rendering (`dueAtJalali`, ...) whatever this says.',
      resolve: (user) => user.calendar,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the account was last changed.' }),
  }),
});

/** An account field resolved from its id through the per-request loader. */
const accountById = (id: string, context: Context, info: GraphQLResolveInfo) =>
  loadAccount(context, info, id).then((account) => {
    if (!account) throw new UnauthenticatedError();
    return account;
  });

builder.queryField('me', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: UserNode,
    nullable: false,
    description: 'The signed-in user.',
    resolve: (_root, _args, context, info) => accountById(context.viewer.id, context, info),
  }),
);

const signedInFields = (kind: 'registered' | 'signed in') =>
  builder.objectRef<SignedIn>(kind === 'registered' ? 'RegisterPayload' : 'LoginPayload').implement({
    description: kind === 'registered' ? 'The new account, signed in.' : 'The account that signed in, with its new session.',
    fields: (t) => ({
      user: t.field({
        type: UserNode,
        nullable: false,
        description: kind === 'registered' ? 'The new account.' : 'The account that signed in.',
        resolve: (payload) => payload.user,
      }),
      token: t.exposeString('token', {
        description:
          'The session token: send it as `Authorization: Bearer <token>` (HTTP) or `connectionParams.authorization` (graphql-ws). Shown only once; keep it secret.',
      }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the session ends unless it is revoked earlier.' }),
    }),
  });

const RegisterPayload = signedInFields('registered');
const LoginPayload = signedInFields('signed in');

const RegisterInput = builder.inputType('RegisterInput', {
  description: 'A new account.',
  fields: (t) => ({
    username: t.string({
      required: true,
      description: 'Unique (ignoring case); 3 to 50 characters, each a letter, digit, `_`, `.` or `-`.',
    }),
    password: t.string({ required: true, description: '8 to 256 characters.' }),
    name: t.string({ required: true, description: 'First name, 1 to 100 characters.' }),
    lastname: t.string({ required: true, description: 'Last name, 1 to 100 characters.' }),
    timeZone: t.string({ required: false, description: 'IANA time zone (e.g. `Europe/Berlin`); the service time zone when absent.' }),
  }),
});

const LoginInput = builder.inputType('LoginInput', {
  description: 'Credentials to sign in with.',
  fields: (t) => ({
    username: t.string({ required: true, description: 'The username, exactly as registered.' }),
    password: t.string({ required: true, description: 'The password.' }),
  }),
});

const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  description: "Changes to the signed-in user's profile; fields left out stay as they are.",
  fields: (t) => ({
    name: t.string({ required: false, description: 'New first name, 1 to 100 characters.' }),
    lastname: t.string({ required: false, description: 'New last name, 1 to 100 characters.' }),
    timeZone: t.string({ required: false, description: 'New IANA time zone; `null` returns to the service time zone.' }),
    calendar: t.field({ type: CalendarEnum, required: false, description: 'The calendar to read and type dates in; cannot be null.' }),
  }),
});

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  description: 'A password change, confirmed with the current password.',
  fields: (t) => ({
    currentPassword: t.string({ required: true, description: 'The password in use now.' }),
    newPassword: t.string({ required: true, description: 'The new password, 8 to 256 characters.' }),
  }),
});

const UpdateProfilePayload = builder.objectRef<{ user: Account }>('UpdateProfilePayload').implement({
  description: 'The profile after the change.',
  fields: (t) => ({
    user: t.field({ type: UserNode, nullable: false, description: 'The account after the change.', resolve: (payload) => payload.user }),
  }),
});

const ChangePasswordPayload = builder.objectRef<{ user: Account; revokedSessions: number }>('ChangePasswordPayload').implement({
  description: 'The password was changed and every other session signed out.',
  fields: (t) => ({
    user: t.field({ type: UserNode, nullable: false, description: 'The account after the change.', resolve: (payload) => payload.user }),
    revokedSessions: t.exposeInt('revokedSessions', { description: 'How many other sessions were signed out.' }),
  }),
});

const sessionsRevokedPayload = (name: string, description: string) =>
  builder.objectRef<{ revokedSessions: number }>(name).implement({
    description,
    fields: (t) => ({
      revokedSessions: t.exposeInt('revokedSessions', { description: 'How many sessions were signed out.' }),
    }),
  });

const LogoutPayload = sessionsRevokedPayload('LogoutPayload', 'The current session was signed out.');
const LogoutEverywherePayload = sessionsRevokedPayload('LogoutEverywherePayload', 'Every session of the user was signed out.');

builder.mutationFields((t) => ({
  register: t.field({
    type: RegisterPayload,
    nullable: true,
    description:
      'Creates an account and signs it in. Public: needs no session. Too many registrations from one client address give RATE_LIMITED with `retryAfterSeconds`.',
    skipTypeScopes: true,
    args: { input: t.arg({ type: RegisterInput, required: true, description: 'The new account.' }) },
    resolve: (_root, { input }, context) => context.auth.register(input, context.client),
  }),
  login: t.field({
    type: LoginPayload,
    nullable: true,
    description:
      'Signs in and opens a new session. Public. A wrong password and an unknown username give the same UNAUTHENTICATED error; too many failures give RATE_LIMITED with `retryAfterSeconds`.',
    skipTypeScopes: true,
    args: { input: t.arg({ type: LoginInput, required: true, description: 'The credentials.' }) },
    resolve: (_root, { input }, context) => context.auth.login(input, context.client),
  }),
}));

builder.mutationFields((t) => {
  // The rest act on the signed-in user's own account.
  const signedIn = t.withAuth({ authenticated: true });
  return {
    logout: signedIn.field({
      type: LogoutPayload,
      nullable: true,
      description: 'Signs out the session this request was made with; its token stops working at once, its open subscriptions end.',
      resolve: async (_root, _args, context) => ({ revokedSessions: await context.auth.logout(context.viewer) }),
    }),
    logoutEverywhere: signedIn.field({
      type: LogoutEverywherePayload,
      nullable: true,
      description: 'Signs out every session of the signed-in user, this one included.',
      resolve: async (_root, _args, context) => ({ revokedSessions: await context.auth.logoutEverywhere(context.viewer) }),
    }),
    updateProfile: signedIn.field({
      type: UpdateProfilePayload,
      nullable: true,
      description: "Changes the signed-in user's name, last name, time zone or calendar.",
      args: { input: t.arg({ type: UpdateProfileInput, required: true, description: 'The changes.' }) },
      resolve: async (_root, { input }, context) => {
        return { user: await context.auth.updateProfile(context.viewer, input) };
      },
    }),
    changePassword: signedIn.field({
      type: ChangePasswordPayload,
      nullable: true,
      description: 'Replaces the password (the current one is required) and signs out every other session.',
      args: { input: t.arg({ type: ChangePasswordInput, required: true, description: 'The current and the new password.' }) },
      resolve: async (_root, { input }, context) => {
        return context.auth.changePassword(context.viewer, input, context.client);
      },
    }),
  };
});
