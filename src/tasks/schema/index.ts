// The task API, one file per role: the Task type, its queries, mutations and subscriptions.
import './task.js';
import './queries.js';
import './mutations.js';
import './subscriptions.js';
