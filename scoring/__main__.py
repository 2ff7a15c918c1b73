from scoring.cli import program

program()
