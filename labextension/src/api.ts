/**
 * Client for the server's /aisafe-nb/ REST API (one place that knows URLs and shapes).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** One finding, as the server reports it: never the value, only a masked preview. */
export interface IFinding {
  cell: number | null;
  cell_id: string | null;
  field: string;
  line: number;
  column: number;
  type: string;
  kind: 'secret' | 'pii';
  preview: string;
  fingerprint: string;
}

export interface IScanResult {
  path: string | null;
  findings: IFinding[];
  counts: { [kind: string]: number };
  elapsed_ms: number;
}

export interface IRedaction {
  cell: number | null;
  field: string;
  type: string;
  kind: string;
  preview: string;
  fingerprint: string;
}

export interface ILastSave {
  path: string;
  last_save: {
    time: number;
    mode: string;
    blocked: boolean;
    changed: boolean;
    redactions: IRedaction[];
    outputs_stripped: number;
    counts: { [type: string]: number };
  } | null;
}

export interface IExportResult {
  path: string;
  target: string;
  redactions: IRedaction[];
}

export interface IFixKeysResult {
  path: string;
  moved: string[];
  cells: { index: number; cell_id: string | null; source: string }[];
  env_path: string | null;
  gitignored: boolean;
}

export interface IStatus {
  enabled: boolean;
  version: string;
  settings: { [name: string]: boolean | string };
  config_file: string | null;
}

/** Minimal notebook content the server can scan (sources, optionally outputs). */
export interface INotebookContent {
  cells: { [key: string]: unknown }[];
  metadata?: { [key: string]: unknown };
  nbformat: number;
  nbformat_minor?: number;
}

/**
 * Call an /aisafe-nb/ endpoint and return its JSON; throws an Error carrying the
 * server's one-line message on failure.
 */
export async function requestAPI<T>(
  endpoint: string,
  init: RequestInit = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'aisafe-nb', endpoint);
  const response = await ServerConnection.makeRequest(url, init, settings);
  const text = await response.text();
  let data: any = {};
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (!response.ok) {
    throw new Error(data.message || `aisafe-nb: ${endpoint} failed (${response.status})`);
  }
  return data as T;
}

function post<T>(endpoint: string, body: unknown): Promise<T> {
  return requestAPI<T>(endpoint, { method: 'POST', body: JSON.stringify(body) });
}

export const api = {
  scan: (body: { path?: string; content?: INotebookContent; kinds?: string[] }) =>
    post<IScanResult>('scan', body),
  exportCopy: (path: string, policy: string) =>
    post<IExportResult>('export', { path, policy }),
  fixKeys: (path: string, content: INotebookContent) =>
    post<IFixKeysResult>('fix-keys', { path, content }),
  lastSave: (path: string) =>
    requestAPI<ILastSave>(`last-save?path=${encodeURIComponent(path)}`),
  status: () => requestAPI<IStatus>('status'),
  pushSettings: (settings: { [name: string]: boolean | string }) =>
    post<IStatus>('settings', settings)
};
