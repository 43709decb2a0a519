"""Pure summaries of logged training (adherence, pain, dose per side, asymmetry): no database, no web."""
