export const crossAppScenarios = [];
