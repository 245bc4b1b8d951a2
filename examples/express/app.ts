/**
 * An Express app with no tracing code except the error handler, which records the error on the
 * request's span. Prints `ready <port>`.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { recordError } from '../../src/index.js';

const users = new Map([['7', { id: '7', name: 'Ada' }]]);

const app = express();
app.use(express.json());

app.get('/health', (_req, res) => {
  res.send('ok');
});
app.get('/users/:id', (req, res) => {
  const user = users.get(req.params.id);
  if (!user) {
    res.status(404).json({ error: 'no such user' });
    return;
  }
  res.json(user);
});
app.post('/orders', (req, res) => {
  if (req.body?.card === 'declined') throw new Error('card declined');
  res.status(201).json({ order: 'o-1', items: req.body?.items ?? [] });
});

// The error handler: the active span is the one of the request (the HTTP server span, or the
// Express span of the handler that failed); recordError sets status ERROR and adds the exception.
app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
  const span = trace.getActiveSpan();
  if (span) recordError(span, err);
  res.status(500).json({ error: err.message });
});

const server = app.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as AddressInfo).port}`));
