// The paper slip: the "In phiếu" button opens the browser's print dialog (A4, or "Save as PDF").
document.getElementById("print-slip")?.addEventListener("click", () => window.print());
