import { defineAdapter } from '../core/define-adapter.js';
import { applyOperations } from './apply.js';
import { configOperations } from './config-and-secrets.js';
import { kubernetesCredentials } from './credentials.js';
import { classifyKubernetesError } from './errors.js';
import { logOperations } from './logs.js';
import { namespaceOperations } from './namespaces.js';
import { resourceOperations } from './resources.js';
import { kubernetesClientModule } from './sdk.js';
import { workloadOperations } from './workloads.js';

/**
 * A Kubernetes cluster through the official client (@kubernetes/client-node): namespaces,
 * server-side apply of manifests and of typed Deployments, Services, ConfigMaps and Secrets,
 * status, logs and deletion. Credentials: a kubeconfig's text, or a server URL with a bearer token.
 */
export const kubernetesAdapter = defineAdapter({
  id: 'kubernetes',
  title: 'Kubernetes',
  credentials: {
    schema: kubernetesCredentials,
    env: {
      kubeconfig: 'KUBECONFIG_CONTENT',
      server: 'KUBERNETES_SERVER',
      token: 'KUBERNETES_TOKEN',
      caData: 'KUBERNETES_CA_DATA',
      insecureSkipTlsVerify: 'KUBERNETES_INSECURE',
      context: 'KUBERNETES_CONTEXT',
    },
    secret: ['kubeconfig', 'token'],
  },
  // client-go's defaults are 5/s with bursts of 10; an API server takes more, a shared one should not get much more.
  rateLimit: { perSecond: 10, burst: 20 },
  connect: async (credentials) => (await kubernetesClientModule()).connectKubernetes(credentials),
  testConnection: async (client) => (await kubernetesClientModule()).testKubernetesConnection(client),
  classifyError: classifyKubernetesError,
  operations: {
    ...namespaceOperations,
    ...applyOperations,
    ...workloadOperations,
    ...configOperations,
    ...resourceOperations,
    ...logOperations,
  },
});
