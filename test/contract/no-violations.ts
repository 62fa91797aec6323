import { afterEach, expect } from 'vitest';
import type { Violation } from './violation.js';

/**
 * After every test, every exchange with these servers must have kept to the vendor's schema;
 * the violations are cleared first, so one failure does not spill into the next test.
 */
export function expectNoViolationsAfterEach(
  servers:
    { violations: Violation[]; reset(): void }[] | (() => { violations: Violation[]; reset(): void }[]),
): void {
  afterEach(() => {
    for (const server of typeof servers === 'function' ? servers() : servers) {
      const violations = [...server.violations];
      server.reset();
      expect(violations).toEqual([]);
    }
  });
}
