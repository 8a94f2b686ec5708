// The automated processes API. Each file holds a type with its queries, mutations and
// subscriptions; the rules and the reads behind them are ProcessService's (../service.ts).
import './process.js';
import './process-mutations.js';
import './execution.js';
