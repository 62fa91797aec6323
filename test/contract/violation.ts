/** Which part of an exchange broke the contract. */
export type ViolationSite =
  'route' | 'security' | 'path' | 'query' | 'header' | 'body' | 'handler' | 'response' | 'spec';

/** A request or response that does not match the vendor's spec (or a missing handler). */
export interface Violation {
  /** The operation the request was routed to; undefined when no operation matched. */
  operationId: string | undefined;
  method: string;
  /** The request path as sent, without the query string. */
  path: string;
  where: ViolationSite;
  /** What is wrong, from the validator: `/channel must have required property 'name'`. */
  message: string;
}

/** A violation found while checking, with the status the contract server answers it with. */
export interface Issue {
  where: ViolationSite;
  message: string;
  status: number;
}
