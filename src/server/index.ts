// Browser mode (`podnet serve`): built in the desktop-app issue.
export {};
