export const filesScenarios = [];
