export const phoneScenarios = [];
