import { builder } from './builder.js';

builder.queryType({ description: 'Everything that can be read.' });
builder.mutationType({ description: 'Everything that changes data.' });
builder.subscriptionType({ description: 'Live event streams, over graphql-ws on the same URL as queries.' });
