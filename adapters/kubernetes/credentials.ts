import { z } from 'zod';

/** "true"/"1"/"yes" from the environment, a boolean from stored credentials. */
const flag = z.union([z.boolean(), z.stringbool()]);

/**
 * Either a whole kubeconfig (its YAML text) or a server with a bearer token, as a deployment
 * sets them: KUBECONFIG_CONTENT, or KUBERNETES_SERVER + KUBERNETES_TOKEN (+ KUBERNETES_CA_DATA).
 */
export const kubernetesCredentials = z
  .object({
    /** The kubeconfig YAML itself, not a path: tenants' credentials must not read the worker's files. */
    kubeconfig: z.string().min(1).optional(),
    server: z.url({ protocol: /^https?$/ }).optional(),
    token: z.string().min(1).optional(),
    /** The CA that signed the API server's certificate: base64 of the PEM (as in a kubeconfig), or the PEM. */
    caData: z.string().min(1).optional(),
    insecureSkipTlsVerify: flag.default(false),
    /** The kubeconfig context to use instead of its current-context. */
    context: z.string().min(1).optional(),
  })
  .refine(
    (value) => value.kubeconfig !== undefined || (value.server !== undefined && value.token !== undefined),
    {
      message: 'set KUBECONFIG_CONTENT, or KUBERNETES_SERVER and KUBERNETES_TOKEN',
    },
  );
/** Validated credentials, as connect() receives them. */
export type KubernetesCredentials = z.output<typeof kubernetesCredentials>;
