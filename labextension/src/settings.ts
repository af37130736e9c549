/**
 * The extension's settings (Settings Editor), and the part of them the server applies.
 *
 * Save-related settings must reach the server, because the save hook runs there: they
 * are POSTed to /aisafe-nb/settings when loaded and whenever they change, and the server
 * keeps them for its (single-user) session.
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { api } from './api';

export interface IAISafeSettings {
  enabled: boolean;
  redactOnSave: boolean;
  stripOutputsOnSave: boolean;
  piiOnSave: boolean;
  exportPolicy: string;
}

export const DEFAULT_SETTINGS: IAISafeSettings = {
  enabled: true,
  redactOnSave: true,
  stripOutputsOnSave: false,
  piiOnSave: false,
  exportPolicy: 'share'
};

/** Read the composite settings, falling back to the defaults field by field. */
export function readSettings(settings: ISettingRegistry.ISettings): IAISafeSettings {
  const c = settings.composite as Partial<IAISafeSettings>;
  return { ...DEFAULT_SETTINGS, ...c };
}

/** UI name -> the server's setting name (same as in [tool.aisafe-nb]). */
const SERVER_NAMES: { [K in keyof IAISafeSettings]?: string } = {
  redactOnSave: 'save_redact_secrets',
  piiOnSave: 'save_redact_pii',
  stripOutputsOnSave: 'save_strip_outputs'
};

/**
 * The save settings the user set explicitly, under the server's names. Defaults are not
 * sent, so an untouched Settings Editor never overrides the project's configuration.
 */
export function serverSaveSettings(settings: ISettingRegistry.ISettings): {
  [name: string]: boolean;
} {
  const user = settings.user as { [key: string]: unknown };
  const out: { [name: string]: boolean } = {};
  for (const [uiName, serverName] of Object.entries(SERVER_NAMES)) {
    const value = user[uiName];
    if (serverName && typeof value === 'boolean') {
      out[serverName] = value;
    }
  }
  return out;
}

/** Send the save settings to the server; failures are logged, never thrown. */
export async function pushSaveSettings(settings: ISettingRegistry.ISettings): Promise<void> {
  try {
    await api.pushSettings(serverSaveSettings(settings));
  } catch (reason) {
    console.error('aisafe-nb: could not send settings to the server', reason);
  }
}
