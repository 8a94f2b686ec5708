import { builder } from './builder.js';

// Signed-in is the default for every root field; the few public ones (sign-up, sign-in,
// server facts, heartbeat) opt out with `skipTypeScopes` where they are defined.
builder.queryType({ description: 'Everything that can be read.', authScopes: { authenticated: true } });
builder.mutationType({ description: 'Everything that changes data.', authScopes: { authenticated: true } });
builder.subscriptionType({
  description: 'Live event streams, over graphql-ws on the same URL as queries.',
  authScopes: { authenticated: true },
});
