"""The ground floor: errors, the plain values between stages and the rules; imports nothing of the project."""
