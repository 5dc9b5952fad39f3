import {
  type ComplaintRecord,
  type InvoiceRecord,
  type OpenAccountState,
  type OrderRecord,
  type QuoteRecord,
  recordEntry,
} from './account.state.js';
import {
  QuoteNotOpenError,
  UnknownComplaintError,
  UnknownInvoiceError,
  UnknownOrderError,
  UnknownQuoteError,
} from './commitments.errors.js';

/** Look-ups that throw the typed "cannot be judged" error when the id is not on the account. */

export function quoteOf(state: OpenAccountState, quoteId: string): QuoteRecord {
  const quote = recordEntry(state, 'quotes', quoteId);
  if (quote === undefined) throw new UnknownQuoteError(quoteId);
  return quote;
}

export function openQuoteOf(state: OpenAccountState, quoteId: string): QuoteRecord {
  const quote = quoteOf(state, quoteId);
  if (quote.status !== 'open') throw new QuoteNotOpenError(quoteId, quote.status);
  return quote;
}

export function orderOf(state: OpenAccountState, orderId: string): OrderRecord {
  const order = recordEntry(state, 'orders', orderId);
  if (order === undefined) throw new UnknownOrderError(orderId);
  return order;
}

export function complaintOf(state: OpenAccountState, complaintId: string): ComplaintRecord {
  const complaint = recordEntry(state, 'complaints', complaintId);
  if (complaint === undefined) throw new UnknownComplaintError(complaintId);
  return complaint;
}

export function invoiceOf(state: OpenAccountState, invoiceId: string): InvoiceRecord {
  const invoice = recordEntry(state, 'invoices', invoiceId);
  if (invoice === undefined) throw new UnknownInvoiceError(invoiceId);
  return invoice;
}
