/**
 * The three commands (palette and notebook toolbar): scan, export a sanitized copy, and
 * move inline keys to .env. Each acts on the current notebook and reports through a
 * notification; the work itself is done by the server.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, Notification, ToolbarButton } from '@jupyterlab/apputils';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { INotebookModel, INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IDisposable } from '@lumino/disposable';

import { api, INotebookContent } from './api';
import { NotebookScanner } from './markers';
import { IAISafeSettings } from './settings';

export const CommandIDs = {
  scan: 'aisafe-nb:scan',
  exportCopy: 'aisafe-nb:export',
  fixKeys: 'aisafe-nb:fix-keys'
};

const CATEGORY = 'AI-Safe';

export interface ICommandContext {
  app: JupyterFrontEnd;
  tracker: INotebookTracker;
  scannerOf: (panel: NotebookPanel) => NotebookScanner | undefined;
  settings: () => IAISafeSettings;
}

export function registerCommands(ctx: ICommandContext, palette: ICommandPalette | null): void {
  const { app, tracker } = ctx;
  const hasNotebook = () => tracker.currentWidget !== null;

  app.commands.addCommand(CommandIDs.scan, {
    label: 'Scan notebook',
    caption: 'AI-Safe: find secrets and personal data in this notebook (outputs included)',
    isEnabled: hasNotebook,
    execute: async () => {
      const panel = tracker.currentWidget;
      const scanner = panel ? ctx.scannerOf(panel) : undefined;
      if (!scanner) {
        return;
      }
      const result = await scanner.refresh(true);
      if (result === null) {
        return;
      }
      const n = result.findings.length;
      if (n === 0) {
        Notification.success('AI-Safe: no secrets or personal data found.', { autoClose: 4000 });
      } else {
        const types = [...new Set(result.findings.map(f => f.type))].join(', ');
        Notification.warning(`AI-Safe: ${n} finding(s) in this notebook: ${types}.`, {
          autoClose: 8000
        });
      }
    }
  });

  app.commands.addCommand(CommandIDs.exportCopy, {
    label: 'Export sanitized copy',
    caption: 'AI-Safe: save, then write a sanitized copy (name.sanitized.ipynb) next to it',
    isEnabled: hasNotebook,
    execute: onCurrent(tracker, 'export failed', async panel => {
      await panel.context.save();
      const result = await api.exportCopy(panel.context.path, ctx.settings().exportPolicy);
      Notification.success(
        `AI-Safe: sanitized copy written to ${result.target} ` +
          `(${result.redactions.length} redaction(s)).`,
        { autoClose: 6000 }
      );
      void app.commands.execute('filebrowser:refresh').catch(() => undefined);
    })
  });

  app.commands.addCommand(CommandIDs.fixKeys, {
    label: 'Move inline keys to .env',
    caption: 'AI-Safe: move API keys typed in cells to .env and read them from the environment',
    isEnabled: hasNotebook,
    execute: onCurrent(tracker, 'moving keys failed', async panel => {
      const content = panel.context.model.toJSON() as unknown as INotebookContent;
      const result = await api.fixKeys(panel.context.path, content);
      applyCells(panel, result.cells);
      if (result.moved.length === 0) {
        Notification.info('AI-Safe: no inline keys to move.', { autoClose: 4000 });
      } else {
        Notification.success(
          `AI-Safe: moved ${result.moved.join(', ')} to ${result.env_path}` +
            (result.gitignored ? '' : ' (warning: .env is not git-ignored)') +
            '. Save the notebook to keep the change.',
          { autoClose: 8000 }
        );
      }
    })
  });

  if (palette) {
    for (const command of Object.values(CommandIDs)) {
      palette.addItem({ command, category: CATEGORY });
    }
  }
}

/** A command body that acts on the current notebook and reports failures in one line. */
function onCurrent(
  tracker: INotebookTracker,
  failure: string,
  action: (panel: NotebookPanel) => Promise<void>
): () => Promise<void> {
  return async () => {
    const panel = tracker.currentWidget;
    if (!panel) {
      return;
    }
    try {
      await action(panel);
    } catch (reason) {
      Notification.error(`AI-Safe: ${failure}: ${(reason as Error).message}`);
    }
  };
}

/** Put the server's rewritten sources into the open notebook (matched by cell id). */
function applyCells(
  panel: NotebookPanel,
  cells: { index: number; cell_id: string | null; source: string }[]
): void {
  const model = panel.content.model;
  if (!model) {
    return;
  }
  for (const change of cells) {
    let target = null;
    for (let i = 0; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      if (change.cell_id !== null && cell.id === change.cell_id) {
        target = cell;
        break;
      }
    }
    if (target === null && change.index < model.cells.length) {
      target = model.cells.get(change.index);
    }
    target?.sharedModel.setSource(change.source);
  }
}

/** Adds the three command buttons to every notebook's toolbar. */
export class ToolbarButtons
  implements DocumentRegistry.IWidgetExtension<NotebookPanel, INotebookModel>
{
  constructor(app: JupyterFrontEnd) {
    this._app = app;
  }

  createNew(panel: NotebookPanel): IDisposable {
    const buttons = [
      { id: 'aisafe-nb-scan', label: 'Scan', command: CommandIDs.scan },
      { id: 'aisafe-nb-export', label: 'Export clean', command: CommandIDs.exportCopy },
      { id: 'aisafe-nb-fix-keys', label: 'Keys → .env', command: CommandIDs.fixKeys }
    ].map(b => {
      const button = new ToolbarButton({
        className: `aisafe-nb-button ${b.id}`,
        label: b.label,
        tooltip: this._app.commands.caption(b.command),
        onClick: () => void this._app.commands.execute(b.command)
      });
      panel.toolbar.insertItem(10, b.id, button);
      return button;
    });
    return {
      get isDisposed() {
        return buttons.every(b => b.isDisposed);
      },
      dispose: () => buttons.forEach(b => b.dispose())
    };
  }

  private _app: JupyterFrontEnd;
}
