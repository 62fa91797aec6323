import type { Page } from 'playwright-core';
import { z } from 'zod';
import { defineOperation, type OperationContext } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { newPage, visit, withBrowserContext, type BrowserHost } from './browser.js';
import { controlKind, submitOwningForm } from './in-page.js';
import { documentStatus, pageInput } from './schemas.js';

const operation = defineOperation<BrowserHost>();

const field = z.object({
  selector: z.string().min(1),
  /** Text for inputs and textareas, the option value or label for selects, true/false for checkboxes and radios. */
  value: z.string(),
});

const formInput = pageInput.extend({
  fields: z.array(field).max(100).default([]),
  submit: z.string().min(1).optional().describe('selector of the button to click'),
  waitForNavigation: z.boolean().default(true).describe('wait for the page the submission leads to'),
  includeText: z.boolean().default(true),
});
type FormInput = z.output<typeof formInput>;

const formOutput = z.object({
  finalUrl: z.string(),
  /** Status of the last document the page loaded: the answer to the submission when it navigated. */
  status: documentStatus,
  title: z.string(),
  /** False when no navigation followed the submission (a form handled by script). */
  navigated: z.boolean(),
  /** Visible text of the resulting page, first 10,000 characters. */
  text: z.string().optional(),
});

const falsy = new Set(['', 'false', 'off', 'no', '0']);

async function fill(page: Page, fields: FormInput['fields']): Promise<void> {
  for (const { selector, value } of fields) {
    const locator = page.locator(selector);
    const kind = await locator.evaluate(controlKind);
    if (kind === 'file')
      throw new ToolError(
        'invalid_input',
        `${selector} is a file input; uploading files from the worker is not supported`,
      );
    if (kind === 'select') await locator.selectOption(value);
    else if (kind === 'check') await locator.setChecked(!falsy.has(value.trim().toLowerCase()));
    else await locator.fill(value);
  }
}

/**
 * Fills the fields and, when `submit` says so, submits. After the submission a missing
 * navigation is reported (`navigated: false`), not thrown: the server may already have acted,
 * and a thrown error would make Temporal submit the form a second time.
 */
async function run(context: OperationContext<BrowserHost>, input: FormInput, submit: boolean) {
  return withBrowserContext(context, async (browserContext) => {
    const page = await newPage(browserContext, input.timeoutMs);
    let status = (await visit(page, input)).status;
    // Each document the main frame loads replaces the status: after a POST and its redirect, the last one counts.
    page.on('response', (response) => {
      if (response.request().isNavigationRequest() && response.frame() === page.mainFrame())
        status = response.status();
    });
    await fill(page, input.fields);
    let navigated = false;
    if (submit) {
      const navigation = input.waitForNavigation
        ? page
            .waitForEvent('framenavigated', {
              predicate: (frame) => frame === page.mainFrame(),
              timeout: input.timeoutMs,
            })
            .then(
              () => true,
              () => false,
            )
        : Promise.resolve(false);
      if (input.submit) await page.locator(input.submit).click();
      else if (!(await page.locator(input.fields[0]?.selector ?? 'form').evaluate(submitOwningForm))) {
        throw new ToolError(
          'invalid_input',
          `${input.fields[0]?.selector ?? 'the page'} is not inside a form; give a submit selector`,
        );
      }
      navigated = await navigation;
      if (navigated) await page.waitForLoadState('load').catch(() => undefined);
    }
    const text = input.includeText
      ? (
          await page
            .locator('body')
            .innerText()
            .catch(() => '')
        ).slice(0, 10_000)
      : undefined;
    return {
      finalUrl: page.url(),
      status,
      title: await page.title().catch(() => ''),
      navigated,
      ...(text === undefined ? {} : { text }),
    };
  });
}

// Neither operation has `recover`: a web form leaves no trace the browser could look up
// afterwards, so a retry after a crash between the submission and the ledger update submits
// again. Sites that must not see duplicates need their own token in the form.
export const formOperations = {
  fillForm: operation({
    description:
      'Fill form fields (text, select, checkbox, radio) and, when a submit selector is given, click it.',
    kind: 'write',
    idempotent: false,
    input: formInput,
    output: formOutput,
    run: (context, input) => run(context, input, input.submit !== undefined),
  }),
  submitForm: operation({
    description:
      'Fill form fields and submit: click the submit selector, or submit the form of the first field.',
    kind: 'write',
    idempotent: false,
    input: formInput.refine((value) => value.submit !== undefined || value.fields.length > 0, {
      message: 'give a submit selector or at least one field',
    }),
    output: formOutput,
    run: (context, input) => run(context, input, true),
  }),
};
