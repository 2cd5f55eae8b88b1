"""Models and explorers for the book "The Two Faces of Oxytocin"."""
