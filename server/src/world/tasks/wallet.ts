export const walletScenarios = [];
