/**
 * After a save completes, ask the server what that save redacted; if anything, tell the
 * user and offer to reload the saved (clean) version, because the editor still holds the
 * unsanitized text in memory.
 */
import { Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';

import { api } from './api';

export function watchSaves(panel: NotebookPanel, isEnabled: () => boolean): void {
  panel.context.saveState.connect(async (context, state) => {
    if (state !== 'completed' || !isEnabled()) {
      return;
    }
    try {
      const { last_save: record } = await api.lastSave(context.path);
      if (!record || !record.changed) {
        return;
      }
      const parts: string[] = [];
      const types = Object.entries(record.counts).map(([t, n]) => `${n} ${t}`);
      if (types.length > 0) {
        parts.push(`redacted ${types.join(', ')}`);
      }
      if (record.outputs_stripped > 0) {
        parts.push(`stripped ${record.outputs_stripped} output(s)`);
      }
      Notification.warning(
        `AI-Safe: the saved file was cleaned (${parts.join('; ')}). ` +
          'The editor still shows the original text.',
        {
          autoClose: false,
          actions: [
            {
              label: 'Reload clean version',
              caption: 'Replace the editor content with the saved, clean file',
              displayType: 'accent',
              callback: () => void context.revert()
            }
          ]
        }
      );
    } catch (reason) {
      console.error('aisafe-nb: could not read what the save redacted', reason);
    }
  });
}
