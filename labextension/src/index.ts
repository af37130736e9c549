/**
 * aisafe-nb for JupyterLab: wires the status item, live cell markers, commands, save
 * notifications and settings together. Each part lives in its own module.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';

import { api } from './api';
import { registerCommands, ToolbarButtons } from './commands';
import { NotebookScanner } from './markers';
import { watchSaves } from './savewatch';
import { DEFAULT_SETTINGS, IAISafeSettings, pushSaveSettings, readSettings } from './settings';
import { StatusItem } from './status';

const PLUGIN_ID = 'aisafe-nb:plugin';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Shows secrets and personal data found in notebooks, and cleans saves.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, IStatusBar, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    registry: ISettingRegistry | null,
    statusBar: IStatusBar | null,
    palette: ICommandPalette | null
  ) => {
    let settings: IAISafeSettings = { ...DEFAULT_SETTINGS };
    const scanners = new WeakMap<NotebookPanel, NotebookScanner>();
    const status = new StatusItem();

    const refreshStatus = () => {
      const panel = tracker.currentWidget;
      const scanner = panel ? scanners.get(panel) : undefined;
      status.setState(
        settings.enabled,
        scanner ? scanner.findings.length : null,
        scanner ? scanner.timing : null
      );
    };

    if (statusBar) {
      statusBar.registerStatusItem(PLUGIN_ID + ':status', {
        item: status,
        align: 'left',
        rank: 4,
        isActive: () => true
      });
    }

    tracker.widgetAdded.connect((_, panel) => {
      const scanner = new NotebookScanner(panel, () => settings.enabled);
      scanners.set(panel, scanner);
      scanner.onChange(s => {
        if (tracker.currentWidget === s.panel) {
          refreshStatus();
        }
      });
      watchSaves(panel, () => settings.enabled);
    });
    tracker.currentChanged.connect(refreshStatus);

    registerCommands(
      { app, tracker, scannerOf: p => scanners.get(p), settings: () => settings },
      palette
    );
    app.docRegistry.addWidgetExtension('Notebook', new ToolbarButtons(app));

    if (registry) {
      registry
        .load(PLUGIN_ID)
        .then(loaded => {
          const apply = () => {
            settings = readSettings(loaded);
            void pushSaveSettings(loaded);
            tracker.forEach(panel => void scanners.get(panel)?.refresh());
            refreshStatus();
          };
          loaded.changed.connect(apply);
          apply();
        })
        .catch(reason => console.error('aisafe-nb: settings failed to load', reason));
    }
    api
      .status()
      .then(() => status.setServerAvailable(true))
      .catch(() => status.setServerAvailable(false))
      .then(refreshStatus);
    refreshStatus();
  }
};

export default plugin;
