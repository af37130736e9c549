import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

/**
 * The aisafe-nb front-end plugin.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'aisafe-nb:plugin',
  description: 'Shows secrets and personal data found in notebooks.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    console.log('aisafe-nb is activated');
  }
};

export default plugin;
