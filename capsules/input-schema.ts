import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { Capsule } from './schema.js';

/** One validator for capsule input schemas (JSON Schema with formats), shared by the API and the planners. */
export const inputsAjv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
(addFormats as unknown as (ajv: Ajv) => void)(inputsAjv);

const partialValidators = new WeakMap<Capsule, ReturnType<Ajv['compile']>>();

/**
 * Checks the inputs given so far against a capsule's input schema, leaving out `required`: the
 * missing ones may still come from the brief. An empty list means they fit.
 */
export function partialInputErrors(capsule: Capsule, inputs: Record<string, unknown>): ErrorObject[] {
  let validate = partialValidators.get(capsule);
  if (!validate) {
    validate = inputsAjv.compile({ ...capsule.inputs, required: [] });
    partialValidators.set(capsule, validate);
  }
  return validate(structuredClone(inputs)) ? [] : [...(validate.errors ?? [])];
}
