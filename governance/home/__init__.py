"""The homes: each role's landing page as a to-do list (sources registered in grids.todo)."""
