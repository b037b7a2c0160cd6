"""Reports: terminal tables now; the HTML compliance dashboard lives here too."""
