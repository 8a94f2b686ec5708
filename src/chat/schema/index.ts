// The chat API. Each file holds a type with its queries, mutations and subscriptions; the rules
// and the reads behind them are ChatService's (../service.ts).
import './message.js';
import './session.js';
import './reply.js';
