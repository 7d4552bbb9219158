variable "name" { type = string }
variable "instance_count" { type = number }
variable "ami" { type = string }
variable "vpc_id" { type = string }
variable "subnet_id" { type = string }
variable "profile" {
  type    = string
  default = null
}
variable "https_egress" { type = bool }

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-"
  vpc_id      = var.vpc_id
  tags        = { Name = var.name }

  # Inline rules: nothing in, HTTPS out (or only DNS when https_egress is off).
  egress {
    protocol    = "tcp"
    from_port   = var.https_egress ? 443 : 53
    to_port     = var.https_egress ? 443 : 53
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "this" {
  count                  = var.instance_count
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = var.subnet_id
  vpc_security_group_ids = [aws_security_group.this.id]
  iam_instance_profile   = var.profile
  metadata_options {
    http_tokens = "required"
  }
  root_block_device {
    encrypted = true
  }
  tags = { Name = "${var.name}-${count.index}" }
}

output "instance_ids" { value = aws_instance.this[*].id }
